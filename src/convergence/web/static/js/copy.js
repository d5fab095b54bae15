/* "Copier" buttons: copy the value of a field (the API token shown once) to the clipboard.
 * The button stays hidden without JavaScript; the field can always be selected by hand. */
(function () {
  "use strict";

  function copyButton(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      var status = document.getElementById(button.dataset.copyStatus);
      source.select();
      navigator.clipboard.writeText(source.value).then(
        function () { status.textContent = "Jeton copié dans le presse-papiers."; },
        function () { status.textContent = "Copie impossible : sélectionnez le jeton et copiez-le."; }
      );
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(copyButton);
}());
