// The text of a PDF that Chromium printed, for tests that read what is on paper.
//
// Chromium (Skia) writes fonts as Type0 / Identity-H with a ToUnicode map, and text as glyph
// ids in hex strings shown by Tj and TJ inside Flate-compressed content streams. This reads just
// that: every object, its stream inflated, each font's ToUnicode map, and the text operators in
// order, with a space wherever the text moves to a new position. It is not a general PDF reader,
// and needs nothing beyond node.

import { constants, inflateSync } from 'node:zlib';

/** Every `N 0 obj … endobj`: its dictionary text and its stream bytes (inflated when compressed). */
function objects(pdf) {
  const latin = pdf.toString('latin1');
  const out = new Map();
  for (const m of latin.matchAll(/(\d+) 0 obj\b([\s\S]*?)endobj/g)) {
    const body = m[2];
    const bodyStart = m.index + m[0].length - 'endobj'.length - body.length;
    const at = body.indexOf('stream');
    if (at < 0) {
      out.set(m[1], { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, at);
    let start = bodyStart + at + 'stream'.length;
    if (latin[start] === '\r') start += 1;
    if (latin[start] === '\n') start += 1;
    const end = bodyStart + body.lastIndexOf('endstream');
    let stream = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(dict)) {
      try {
        stream = inflateSync(stream, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        stream = Buffer.alloc(0);
      }
    }
    out.set(m[1], { dict, stream });
  }
  return out;
}

const utf16 = (hex) => {
  let text = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) text += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return text;
};

/** A ToUnicode CMap: glyph code (hex) → text. */
function cmap(text) {
  const map = new Map();
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      map.set(src.toUpperCase(), utf16(dst));
    }
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, dst] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const from = parseInt(lo, 16);
      const base = parseInt(dst, 16);
      for (let code = from; code <= parseInt(hi, 16); code += 1) {
        map.set(code.toString(16).toUpperCase().padStart(lo.length, '0'), String.fromCharCode(base + code - from));
      }
    }
  }
  return map;
}

/** The text of every page, in content-stream order, with whitespace collapsed. */
export function pdfText(pdf) {
  const all = objects(pdf);
  const fonts = new Map();
  for (const { dict } of all.values()) {
    for (const block of dict.matchAll(/\/Font\s*<<([\s\S]*?)>>/g)) {
      for (const [, name, ref] of block[1].matchAll(/\/([^\s/<>[\]]+)\s+(\d+) 0 R/g)) {
        const font = all.get(ref);
        const unicode = font?.dict.match(/\/ToUnicode\s+(\d+) 0 R/);
        const map = unicode && all.get(unicode[1])?.stream;
        if (map) fonts.set(name, cmap(map.toString('latin1')));
      }
    }
  }
  const pieces = [];
  for (const { dict, stream } of all.values()) {
    if (!stream || /\/(Subtype|Type)\s*\/(Image|XObject|FontFile|Font|CMap|XRef)/.test(dict) || /\/Length1/.test(dict)) continue;
    const text = stream.toString('latin1');
    if (!/\b(Tj|TJ)\b/.test(text)) continue;
    let font = null;
    const tokens = /\/([^\s/<>[\]()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\b(Td|TD|Tm|T\*|ET)\b/g;
    for (const [, name, hex, move] of text.matchAll(tokens)) {
      if (name !== undefined) font = fonts.get(name) ?? null;
      else if (move !== undefined) pieces.push(' ');
      else if (font) {
        const clean = hex.replace(/\s+/g, '').toUpperCase();
        for (let i = 0; i + 4 <= clean.length; i += 4) pieces.push(font.get(clean.slice(i, i + 4)) ?? '');
      }
    }
    pieces.push('\n');
  }
  return pieces.join('').replace(/[ \t]+/g, ' ');
}
