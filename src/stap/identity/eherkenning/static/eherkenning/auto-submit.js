// Posts the signed AuthnRequest to the broker straight away. Without JavaScript the page shows
// the "Doorgaan naar eHerkenning" button, which does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (form) form.submit();
})();
