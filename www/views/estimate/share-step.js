// "Print or share", at the end of the estimate's answer: print the page, or
// make a link that carries the plan, the services and the payment plan in its
// fragment (estimate/share.js), with what such a link carries said first.

import { el } from '../../dom.js';
import { FieldError } from './fields.js';
import { fieldProblem } from './focus.js';
import { encodeState } from './share.js';

/**
 * Reads and writes `state.shareLink` (the link made, or '' for none). `forms`
 * are the plan, services and payment-plan forms the link is made from.
 * Returns { node, update(), clear() }.
 */
export function shareStep(state, app, forms) {
  const shareButton = el(
    'button',
    { type: 'button', id: 'est-share', 'aria-describedby': 'est-share-privacy' },
    'Make a link to share',
  );
  const leaveOutDescriptions = el('input', { type: 'checkbox', id: 'est-share-no-descriptions' });
  const link = el('input', { type: 'text', readonly: true, id: 'est-share-link', 'aria-describedby': 'est-share-help' });
  const copyButton = el('button', { type: 'button', id: 'est-copy-link' }, 'Copy the link');
  const box = linkBox(link, copyButton);
  const node = el(
    'section',
    { class: 'step screen-only', 'aria-labelledby': 'est-share-heading' },
    el('h3', { id: 'est-share-heading' }, 'Print or share'),
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', id: 'est-print', on: { click: () => window.print() } }, 'Print this estimate'),
      shareButton,
    ),
    privacyNote(leaveOutDescriptions),
    box,
  );

  function update() {
    link.value = state.shareLink;
    box.hidden = state.shareLink === '';
  }

  function clear() {
    state.shareLink = '';
    update();
  }

  shareButton.addEventListener('click', async () => {
    let shared;
    try {
      shared = { plan: forms.plan.read(), services: forms.services.read() };
      // Opened, a service without a description is shown as "Service 1", "Service 2"…
      if (leaveOutDescriptions.checked) shared.services = shared.services.map((service) => ({ ...service, description: '' }));
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      return fieldProblem(error.control, error.message, app.announce);
    }
    const pay = forms.payment.shown();
    if (pay) shared.pay = pay;
    const fragment = await encodeState(shared);
    state.shareLink = `${location.href.split('#')[0]}${fragment}`;
    update();
    link.focus();
    link.select();
    app.announce('The link is ready: copy it and send it to whoever should see this estimate.');
    return true;
  });

  leaveOutDescriptions.addEventListener('change', () => clear());

  copyButton.addEventListener('click', async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      app.announce('The link is copied.');
    } catch {
      app.announce('Copying was not allowed here: the link is selected, press Ctrl+C (or ⌘C) to copy it.');
    }
  });

  return { node, update, clear };
}

/** What a link carries is said before it is made: email and chat services keep every link. */
function privacyNote(leaveOutDescriptions) {
  return el(
    'div',
    { class: 'share-privacy' },
    el(
      'p',
      { class: 'help', id: 'est-share-privacy' },
      'The link carries your plan and every service, with what you wrote to describe it. Email and chat services keep a copy of the links sent through them, so a name or a diagnosis in a description travels and stays with the link.',
    ),
    el(
      'span',
      { class: 'inline-check' },
      leaveOutDescriptions,
      el('label', { for: 'est-share-no-descriptions' }, 'Leave the descriptions out of the link (the amounts and codes stay)'),
    ),
  );
}

/** The link, made, with its Copy button and where it keeps the details. */
function linkBox(link, copyButton) {
  return el(
    'div',
    { class: 'share-link', hidden: true },
    el('label', { for: 'est-share-link' }, 'Link to this estimate'),
    link,
    copyButton,
    el(
      'p',
      { class: 'help', id: 'est-share-help' },
      'The plan and the services are inside the link itself, after the “#”, which browsers never send to a server. Anyone you give the link to can read them.',
    ),
  );
}
