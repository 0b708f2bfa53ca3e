/* The pulse wall display: a TV in the waiting room shows today's taps of its unit.
 * It is paired like a kiosk: the kiosk token comes from the link's fragment (/denyut/layar/#<token>), is
 * kept in localStorage, and authenticates GET /api/v1/pulse/board, polled every few seconds. A signed-in
 * staff member's page (/denyut/unit/<code>/layar/) polls its own URL with the session instead.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("wall-config").textContent);
  var texts = document.getElementById("wall-texts").dataset;
  var TOKEN_KEY = "skm.pulse.wall.token";
  var timing = window.SKM_WALL_TIMING || {}; // tests poll faster
  var POLL_MS = (timing.poll || cfg.poll_seconds) * 1000;
  var token = null;
  var timer = null;

  function $(id) { return document.getElementById(id); }

  function readToken() {
    var fromLink = "";
    try {
      fromLink = decodeURIComponent(location.hash.replace(/^#/, "")).trim();
    } catch (error) {
      // A mangled link: fall back to the token this screen already has.
    }
    if (fromLink) {
      localStorage.setItem(TOKEN_KEY, fromLink);
      // Keep the secret out of the address bar of a screen everybody looks at.
      history.replaceState(null, "", location.pathname + location.search);
    }
    return localStorage.getItem(TOKEN_KEY);
  }

  function message(text) {
    $("wall-message").textContent = text || "";
    $("wall-message").hidden = !text;
  }

  function show(board) {
    $("wall-unit").textContent = board.unit.name;
    $("wall-day").textContent = new Date(board.day + "T12:00:00").toLocaleDateString(document.documentElement.lang, {
      weekday: "long", day: "numeric", month: "long", year: "numeric"
    });
    board.faces.forEach(function (face) {
      var node = $("wall-count-" + face.value);
      if (node) node.textContent = String(face.count);
    });
    $("wall-total").textContent = String(board.total);
    $("wall-satisfied").textContent = board.satisfied_percent === null ? "–" :
      board.satisfied_percent.toLocaleString(document.documentElement.lang, {maximumFractionDigits: 1}) + "%";
    $("wall-updated").textContent = texts.updated + " " + board.updated_at.slice(11, 16);
    $("wall-faces").hidden = false;
    $("wall-summary").hidden = false;
  }

  async function poll() {
    clearTimeout(timer);
    try {
      var response = await fetch(cfg.board, cfg.signed_in ?
        {credentials: "same-origin", cache: "no-store"} :
        {headers: {Authorization: "Kiosk " + token}, credentials: "omit", cache: "no-store"});
      if (response.ok) {
        show(await response.json());
        message("");
      } else if (response.status === 401 || response.status === 403) {
        var body = await response.json().catch(function () { return {}; });
        message(response.status === 401 ? texts.unknown : (body.detail || texts.unknown));
        $("wall-faces").hidden = true;
        $("wall-summary").hidden = true;
      } else {
        message(texts.offline);
      }
    } catch (error) {
      message(texts.offline);
    }
    timer = setTimeout(poll, POLL_MS);
  }

  token = cfg.signed_in ? null : readToken();
  if (!cfg.signed_in && !token) {
    message(texts.unpaired);
    return;
  }
  poll();
  // A TV left on overnight: the new day starts from zero as soon as the screen is looked at again.
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
