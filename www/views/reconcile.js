// The reconcile view: drop the charges and payments exports, check the column
// mapping, reconcile, read the results, export them. (Being built.)

import { el, replace } from '../dom.js';

export async function mount(root) {
  replace(root, el('h2', {}, 'Reconcile charges and payments'));
}
