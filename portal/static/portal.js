// Progressive enhancement for the partner portal. Every page works without this file; with it,
// YES and NO confirm in a dialog instead of a page of their own, and "Select all" appears.
(function () {
  'use strict';

  // "Select all" for the schools waiting for licenses.
  document.querySelectorAll('[data-select-all]').forEach(function (toggle) {
    var wrapper = toggle.closest('.select-all');
    var fieldset = toggle.closest('fieldset');
    if (!wrapper || !fieldset) return;
    wrapper.hidden = false;
    var boxes = fieldset.querySelectorAll('input[name="schools"]');
    toggle.addEventListener('change', function () {
      boxes.forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });

  // YES / NO: the server's own confirmation page, shown in a dialog. It says what happens next and
  // holds the form (with its CSRF token) that sends the answer.
  var form = document.querySelector('form[data-confirm-answer]');
  var dialog = document.getElementById('confirm-dialog');
  if (!form || !dialog || typeof dialog.showModal !== 'function' || !window.fetch || !window.DOMParser) return;

  var bypass = false;
  form.addEventListener('submit', function (event) {
    var submitter = event.submitter;
    if (bypass || !submitter || !submitter.value) return;
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form));
    query.set('response', submitter.value);
    fetch(form.action + '?' + query.toString(), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) {
        return response.text();
      })
      .then(function (text) {
        var page = new DOMParser().parseFromString(text, 'text/html');
        var section = page.querySelector('[data-confirmation]');
        if (!section) throw new Error('no confirmation in the answer');
        dialog.replaceChildren(document.importNode(section, true));
        var cancel = dialog.querySelector('[data-cancel]');
        if (cancel) {
          cancel.addEventListener('click', function (e) {
            e.preventDefault();
            dialog.close();
          });
        }
        dialog.addEventListener(
          'close',
          function () {
            submitter.focus();
          },
          { once: true },
        );
        dialog.showModal();
        var confirm = dialog.querySelector('[data-confirm]') || cancel;
        if (confirm) confirm.focus();
      })
      .catch(function () {
        // Without the dialog, the confirmation page itself.
        bypass = true;
        form.requestSubmit(submitter);
      });
  });
})();
