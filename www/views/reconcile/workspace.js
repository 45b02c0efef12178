// The follow-up workspace (SPEC §8.8): per claim a work status, a note, a
// follow-up date and when it was last worked, and a summary of each run, kept
// in this browser's own database (IndexedDB, database "clearbill-workspace").
// Nothing is sent anywhere. Claims are kept by claim number, compared as the
// core matches them (trimmed, case folded, all digits without leading zeros),
// so next week's files find this week's notes. The workspace exports to a
// file, optionally encrypted with a passphrase (AES-GCM, key from PBKDF2),
// imports on another computer, and "Forget this workspace" deletes it. When the
// browser refuses storage (some private modes, some file:// pages), the
// workspace lives in memory for this visit and says so.

const DB = 'clearbill-workspace';
const VERSION = 1;
const PBKDF2_ITERATIONS = 310_000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA256

export const WORK_STATUSES = ['new', 'in progress', 'appealed', 'resubmitted', 'waiting on payer', 'billed to patient', 'done'];

/** The claim number as matching compares it: "000394 " and "394" are one claim. */
export function claimKey(claimId) {
  const text = String(claimId ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  return /^\d+$/.test(text) ? text.replace(/^0+(?=.)/, '') : text;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  return new Promise((resolve, reject) => {
    if (!globalThis.indexedDB) return reject(new Error('this browser has no IndexedDB'));
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('claims')) db.createObjectStore('claims', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('storage was refused'));
    req.onblocked = () => reject(new Error('another tab holds the workspace open'));
  });
}

/** A store kept in memory: the fallback when the browser refuses storage. */
function memoryStores() {
  const claims = new Map();
  const runs = [];
  return {
    async getAll(store) {
      return store === 'claims' ? [...claims.values()] : runs.slice();
    },
    async put(store, value) {
      if (store === 'claims') claims.set(value.key, value);
      else runs.push({ ...value, id: runs.length + 1 });
    },
    async clear() {
      claims.clear();
      runs.length = 0;
    },
  };
}

function dbStores(db) {
  const tx = (store, mode) => db.transaction(store, mode).objectStore(store);
  return {
    getAll: (store) => request(tx(store, 'readonly').getAll()),
    put: (store, value) => request(tx(store, 'readwrite').put(value)),
    async clear() {
      await request(tx('claims', 'readwrite').clear());
      await request(tx('runs', 'readwrite').clear());
    },
  };
}

/**
 * Opens the workspace. Resolves to { persistent, problem, claims (Map key →
 * state), get(claimId), put(claimId, change), runs(), saveRun(run),
 * exportFile(passphrase?), importFile(text, passphrase?), forget() }.
 */
export async function openWorkspace() {
  let stores;
  let problem = null;
  try {
    stores = dbStores(await openDb());
    await stores.getAll('claims');
  } catch (error) {
    problem = error?.message || 'storage was refused';
    stores = memoryStores();
  }
  const claims = new Map((await stores.getAll('claims')).map((c) => [c.key, c]));

  const ws = {
    persistent: problem === null,
    problem,
    claims,
    get: (claimId) => claims.get(claimKey(claimId)),
    async put(claimId, change) {
      const key = claimKey(claimId);
      const state = { key, claimId: String(claimId), ...claims.get(key), ...change, workedAt: new Date().toISOString() };
      claims.set(key, state);
      await stores.put('claims', state);
      return state;
    },
    async runs() {
      return (await stores.getAll('runs')).sort((a, b) => a.id - b.id);
    },
    saveRun: (run) => stores.put('runs', run),
    async exportFile(passphrase) {
      const plain = { format: 'clearbill-workspace', version: 1, claims: [...claims.values()], runs: await ws.runs() };
      const text = JSON.stringify(plain);
      return passphrase ? JSON.stringify(await encrypt(text, passphrase)) : text;
    },
    /** Adds a workspace file's claims and runs; a claim worked on both sides keeps the later work. */
    async importFile(text, passphrase) {
      let data = parse(text);
      if (data.format === 'clearbill-workspace-encrypted') {
        if (!passphrase) throw new Error('This workspace file is encrypted: give its passphrase.');
        data = parse(await decrypt(data, passphrase));
      }
      if (data.format !== 'clearbill-workspace' || !Array.isArray(data.claims)) {
        throw new Error('This is not a ClearBill workspace file.');
      }
      let added = 0;
      for (const c of data.claims) {
        if (typeof c?.claimId !== 'string') continue;
        const key = claimKey(c.claimId);
        const mine = claims.get(key);
        if (mine && String(mine.workedAt) >= String(c.workedAt)) continue;
        const state = {
          key,
          claimId: c.claimId,
          workStatus: WORK_STATUSES.includes(c.workStatus) ? c.workStatus : 'new',
          note: typeof c.note === 'string' ? c.note : '',
          followUp: /^\d{4}-\d{2}-\d{2}$/.test(c.followUp ?? '') ? c.followUp : '',
          workedAt: typeof c.workedAt === 'string' ? c.workedAt : new Date().toISOString(),
        };
        claims.set(key, state);
        await stores.put('claims', state);
        added += 1;
      }
      const have = new Set((await ws.runs()).map((r) => r.savedAt));
      for (const run of Array.isArray(data.runs) ? data.runs : []) {
        if (!run || have.has(run.savedAt)) continue;
        const { id, ...rest } = run;
        await stores.put('runs', rest);
      }
      return added;
    },
    async forget() {
      claims.clear();
      await stores.clear();
    },
  };
  return ws;
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('This is not a ClearBill workspace file.');
  }
}

function b64(bytes) {
  const all = new Uint8Array(bytes);
  let text = '';
  // In slices: spreading a large array into one call overflows the stack.
  for (let i = 0; i < all.length; i += 0x8000) text += String.fromCharCode(...all.subarray(i, i + 0x8000));
  return btoa(text);
}
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function keyFrom(passphrase, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function encrypt(text, passphrase) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await keyFrom(passphrase, salt, PBKDF2_ITERATIONS);
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
  return {
    format: 'clearbill-workspace-encrypted',
    version: 1,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: b64(salt) },
    cipher: { name: 'AES-GCM', iv: b64(iv) },
    data: b64(data),
  };
}

async function decrypt(file, passphrase) {
  try {
    const key = await keyFrom(passphrase, unb64(file.kdf.salt), file.kdf.iterations);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(file.cipher.iv) }, key, unb64(file.data));
    return new TextDecoder().decode(plain);
  } catch {
    throw new Error('The passphrase is not the one this workspace was exported with (or the file is damaged).');
  }
}

/**
 * What changed since the previous run (SPEC §8.8): claims newly paid, newly
 * denied, still open, and new. `before` and `now` are [claimKey, status] pairs.
 */
export function sinceLastRun(before, now) {
  const was = new Map(before);
  const out = { newlyPaid: [], newlyDenied: [], stillOpen: [], new: [] };
  for (const [key, status, claimId] of now) {
    const old = was.get(key);
    if (old === undefined) out.new.push(claimId);
    else if (status === 'paid' && old !== 'paid') out.newlyPaid.push(claimId);
    else if (status === 'denied' && old !== 'denied') out.newlyDenied.push(claimId);
    else if (status !== 'paid' && old !== 'paid') out.stillOpen.push(claimId);
  }
  return out;
}
