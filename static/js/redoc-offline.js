/* Redoc (vendored by drf-spectacular-sidecar) always shows its attribution with a logo from cdn.redoc.ly, which
   an offline hall cannot reach and which would tell a third party who reads our API docs. No Redoc setting
   turns it off, so the image's address is swapped for the portal's own icon as Redoc sets it.
   tests/browser/test_api_pages.py fails if anything on this page loads from outside. */
(function () {
  "use strict";
  var outside = "https://cdn.redoc.ly/";
  var local = document.currentScript.dataset.logo;
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && name === "src" && String(value).indexOf(outside) === 0) {
      value = local;
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, String(value).indexOf(outside) === 0 ? local : value);
    },
  });
})();
