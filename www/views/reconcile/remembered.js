// Column choices the user made, remembered in this browser's localStorage per
// header signature (the file's normalised headers in order), so that next
// month's export from the same system is mapped the same way. Only a choice
// the user made is stored (SPEC §6: nothing is stored unless the user asks),
// and forgetAll() clears them all.

const KEY = 'clearbill.columnChoices';

function all() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** The choices { columnLetter: roleKey | '' } saved for this signature, if any. */
export function get(signature) {
  const saved = all()[signature];
  return saved && typeof saved === 'object' ? saved : null;
}

/** Saves the user's choices for this signature (no choices forgets it). */
export function set(signature, choices) {
  const saved = all();
  if (Object.keys(choices).length) saved[signature] = choices;
  else delete saved[signature];
  try {
    localStorage.setItem(KEY, JSON.stringify(saved));
  } catch {
    // Storage full or disabled: the choice still applies to this file now.
  }
}

/** How many layouts have remembered choices. */
export function count() {
  return Object.keys(all()).length;
}

/** Forgets every remembered choice. */
export function forgetAll() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing could be stored either.
  }
}
