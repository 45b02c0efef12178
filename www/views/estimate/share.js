// Share links for an estimate: the plan, the services and the payment-plan
// choices travel in the URL fragment, `#estimate=1.<data>`, never in the query
// string. Browsers do not send the fragment to any server, so opening a link
// reveals nothing to the site that serves the page (and the single-file app has
// no site at all).
//
// <data> is the state as JSON, compressed with deflate (the browser's own
// CompressionStream) and written in base64url, so a bill of twenty services
// still fits in a link. The "1." names this format, so that a later one can be
// told apart. Everything here is text in, text out: amounts stay the strings
// the user typed.

export const PREFIX = '#estimate=';
const FORMAT = '1.';
/** A link is a few kilobytes; anything that inflates past this is not one of ours. */
const MAX_JSON_BYTES = 1_000_000;

/** The fragment (with its `#`) that restores `state` = { plan, services, pay? }. */
export async function encodeState(state) {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const packed = await readAll(new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw')));
  return `${PREFIX}${FORMAT}${toBase64Url(packed)}`;
}

/** True when `hash` (location.hash) carries an estimate. */
export function isShared(hash) {
  return hash.startsWith(PREFIX) && hash.length > PREFIX.length;
}

/**
 * The state in a fragment made by encodeState; throws an Error that a person
 * can read when the link is damaged (cut short when copied, for example).
 */
export async function decodeState(hash) {
  const body = hash.slice(PREFIX.length);
  if (!body.startsWith(FORMAT)) throw new Error('this estimate link was made by another version of ClearBill');
  let json;
  try {
    const packed = fromBase64Url(body.slice(FORMAT.length));
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    json = new TextDecoder().decode(await readAll(stream, MAX_JSON_BYTES));
  } catch {
    throw new Error('this estimate link is damaged or incomplete; copy the whole link and open it again');
  }
  const state = JSON.parse(json);
  if (!state || typeof state !== 'object' || typeof state.plan !== 'object' || !Array.isArray(state.services)) {
    throw new Error('this estimate link does not hold a plan and a list of services');
  }
  return state;
}

async function readAll(stream, limit = Infinity) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error('too large');
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
