// A "use my location" button beside every input marked data-locate (its value is the button's translated
// label): fills the input with the phone's coordinates.
// Nothing is sent anywhere but with the form; without geolocation (or permission) the button stays away.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }
  document.querySelectorAll("input[data-locate]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm mt-2";
    button.textContent = input.dataset.locate;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var lat = position.coords.latitude.toFixed(5);
          var lng = position.coords.longitude.toFixed(5);
          input.value = (input.value ? input.value + " " : "") + "GPS " + lat + "," + lng;
          button.disabled = false;
        },
        function () {
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
