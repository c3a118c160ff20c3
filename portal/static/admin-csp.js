// The Content-Security-Policy stops inline event handlers, and a few of Flask-Admin's
// templates still use them (row delete, bulk actions, filter links). This does their
// work from a script file instead, reading what each handler would have called.
document.addEventListener("click", function (event) {
  var element = event.target.closest("[onclick]");
  if (!element) {
    return;
  }
  var code = element.getAttribute("onclick");
  var action = /modelActions\.execute\('([^']*)'\)/.exec(code);
  var confirmation = /safeConfirm\('((?:[^'\\]|\\.)*)'\)/.exec(code);
  if (action) {
    event.preventDefault();
    window.modelActions.execute(action[1]);
  } else if (confirmation) {
    if (!window.confirm(confirmation[1].replace(/\\(.)/g, "$1"))) {
      event.preventDefault();
    }
  } else if (/^\s*return false;?\s*$/.test(code)) {
    event.preventDefault();
  }
});
