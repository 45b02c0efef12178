// The only way the page builds elements: text goes in as textContent, never
// as HTML, so a cell holding `<img onerror=…>` shows those characters (SPEC §6).

/**
 * `el('p', { class: 'note', 'aria-live': 'polite' }, 'text', child)`.
 * Attributes are set with setAttribute (event handlers go through `on: { click: fn }`);
 * children are strings (as text) or nodes; null and false are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key.startsWith('on')) {
      throw new Error(`use { on: { ${key.slice(2)}: … } } rather than the attribute ${key}`);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, ...children);
  return node;
}

/** Appends children: strings as text nodes, arrays flattened, null skipped. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child and appends the new ones. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, ...children);
}

/** SVG elements (charts): same rules as `el`. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  append(node, ...children);
  return node;
}

/** "1234.50" → "$1,234.50"; "-12.00" → "−$12.00". Money stays a string until it is shown. */
export function dollars(text) {
  if (text === null || text === undefined || text === '') return '—';
  const negative = text.startsWith('-');
  const [whole, cents = '00'] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}$${grouped}.${cents}`;
}

/** "0.9720" → "97.2%"; null → "—". */
export function percent(text) {
  if (text === null || text === undefined) return '—';
  const value = Number(text) * 100; // display only; the rate itself stays a string
  return `${value.toFixed(1)}%`;
}

/** A Blob download of bytes made in the worker; nothing is sent anywhere. */
export function download(bytes, fileName, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = el('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
