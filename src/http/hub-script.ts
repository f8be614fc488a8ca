/**
 * @module `GET /hub.js`: the browser script for the merchant's landing pages (SPEC §4).
 *
 * It keeps `hub_vid`/`hub_click` from the landing URL in first-party cookies for the cookie window
 * (`data-cookie-days` on the script tag, default 30) and exposes them to the checkout code:
 *   <script src="https://hub.example.com/hub.js" data-cookie-days="30"></script>
 *   conversionHub.visitorId(); conversionHub.clickId();
 */
export const HUB_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  var days = parseInt(script && script.getAttribute('data-cookie-days'), 10);
  if (!(days > 0)) days = 30;
  var VALID = /^[A-Za-z0-9_.:-]{1,100}$/;
  function fromUrl(name) {
    var match = new RegExp('[?&]' + name + '=([^&#]*)').exec(window.location.search);
    if (!match) return null;
    try { return decodeURIComponent(match[1]); } catch (error) { return null; }
  }
  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(';') : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].replace(/^\\s+/, '');
      if (pair.indexOf(name + '=') === 0) {
        var value = decodeURIComponent(pair.slice(name.length + 1));
        return VALID.test(value) ? value : null;
      }
    }
    return null;
  }
  function keep(name, value) {
    document.cookie = name + '=' + encodeURIComponent(value) + '; Max-Age=' + days * 86400 + '; Path=/; SameSite=Lax'
      + (window.location.protocol === 'https:' ? '; Secure' : '');
  }
  var visitorId = fromUrl('hub_vid');
  var clickId = fromUrl('hub_click');
  if (visitorId && VALID.test(visitorId)) keep('hub_vid', visitorId);
  if (clickId && VALID.test(clickId)) keep('hub_click', clickId);
  window.conversionHub = {
    visitorId: function () { return readCookie('hub_vid'); },
    clickId: function () { return readCookie('hub_click'); }
  };
})();
`;
