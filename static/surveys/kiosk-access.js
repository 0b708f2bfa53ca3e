/* SKM survey form for everyone (docs/languages.md): read aloud, large text, high contrast, faces beside the
 * answers and the kiosk's "dibantu petugas" switch. kiosk.js announces what it shows with DOM events:
 *   skm:form  {payload, kiosk}  the form was built from the payload
 *   skm:step  {step}            a step is now on screen
 *   skm:reset                   the kiosk went back to a blank form for the next citizen
 * Everything here reads the screen as shown (its language included), so it never needs kiosk.js's state.
 */
(function () {
  "use strict";

  var TEXTS = JSON.parse(document.getElementById("survey-texts").textContent);
  var DISPLAY_KEY = "skm.survey.display";
  var VOICE_LANGS = {id: "id-ID", en: "en-US"};
  var VOICE_WAIT_MS = 1500;

  var readOnArrival = false;
  var isKiosk = false;

  function lang() { return document.documentElement.lang || "id"; }

  function t(key) {
    var texts = TEXTS[lang()] || TEXTS.id;
    return texts[key] || TEXTS.id[key] || key;
  }

  /* ---------- large text and high contrast, for this browser session only ---------- */

  function displayState() {
    try { return JSON.parse(sessionStorage.getItem(DISPLAY_KEY) || "{}"); } catch (error) { return {}; }
  }

  function applyDisplay(state) {
    ["large-text", "high-contrast"].forEach(function (name) {
      var on = !!state[name];
      document.body.classList.toggle(name, on);
      var button = document.querySelector('[data-display="' + name + '"]');
      if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function toggleDisplay(name) {
    var state = displayState();
    state[name] = !state[name];
    try { sessionStorage.setItem(DISPLAY_KEY, JSON.stringify(state)); } catch (error) { /* private mode */ }
    applyDisplay(state);
  }

  /* ---------- read aloud ---------- */

  function speechApi() { return window.speechSynthesis && window.SpeechSynthesisUtterance ? window.speechSynthesis : null; }

  function voiceLang(code) { return VOICE_LANGS[code] || code; }

  /* The device's voice for the screen's language; voices may arrive a moment after the page loads. */
  function findVoice(code) {
    var api = speechApi();
    if (!api) return Promise.resolve(null);
    var wanted = voiceLang(code).toLowerCase();
    var base = wanted.split("-")[0];
    function pick() {
      var voices = api.getVoices() || [];
      var exact = voices.filter(function (v) { return (v.lang || "").toLowerCase().replace("_", "-") === wanted; });
      if (exact.length) return exact[0];
      var near = voices.filter(function (v) { return (v.lang || "").toLowerCase().split(/[-_]/)[0] === base; });
      return near[0] || null;
    }
    var found = pick();
    if (found || (api.getVoices() || []).length) return Promise.resolve(found);
    return new Promise(function (resolve) {
      var done = false;
      function finish() { if (!done) { done = true; resolve(pick()); } }
      api.addEventListener("voiceschanged", finish, {once: true});
      setTimeout(finish, VOICE_WAIT_MS);
    });
  }

  /* What a step says, in reading order: the question, then each answer with its number. */
  function phrases(step) {
    var question = step.querySelector(".question");
    var out = question ? [question.textContent.trim()] : [];
    step.querySelectorAll(".answer").forEach(function (label, i) {
      var text = label.querySelector(".choice-text");
      out.push((i + 1) + ". " + (text ? text.textContent.trim() : ""));
    });
    return out;
  }

  function speak(step) {
    var status = step.querySelector(".speak-status");
    var api = speechApi();
    var code = lang();
    if (status) status.textContent = "";
    return findVoice(code).then(function (voice) {
      if (!voice) {
        if (status) status.textContent = t("no_voice");
        step.querySelector(".speak").classList.add("speak-none");
        return;
      }
      api.cancel();
      phrases(step).forEach(function (text) {
        var utterance = new window.SpeechSynthesisUtterance(text);
        utterance.lang = voiceLang(code);
        utterance.voice = voice;
        utterance.rate = 0.9;
        api.speak(utterance);
      });
    });
  }

  function speakerButton() {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "speak";
    button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3 9v6h4l5 4V5L7 9z" ' +
      'fill="currentColor"/><path d="M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12" fill="none" ' +
      'stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg><span data-t="read_aloud"></span>';
    button.querySelector("span").textContent = t("read_aloud");
    return button;
  }

  /* ---------- faces beside the official labels ---------- */

  function addFaces(group) {
    group.querySelectorAll(".answer").forEach(function (label, i) {
      var template = document.getElementById("face-" + (i + 1));
      if (!template || label.querySelector(".answer-face")) return;
      var face = document.createElement("span");
      face.className = "answer-face pulse-face-" + (i + 1);
      face.setAttribute("aria-hidden", "true");
      face.appendChild(template.content.cloneNode(true));
      label.appendChild(face);
      label.classList.add("with-face");
    });
  }

  /* ---------- the staff member's "dibantu petugas" switch (kiosk only) ---------- */

  function assistedSwitch() {
    var box = document.createElement("div");
    box.className = "field assisted";
    box.setAttribute("data-field", "assisted");
    box.innerHTML = '<label class="switch"><input type="checkbox" name="assisted" id="assisted" value="1">' +
      '<span data-t="assisted"></span></label><p class="hint" data-t="assisted_hint"></p>' +
      '<p class="error" role="alert"></p>';  // kiosk.js clears a field's error on change
    box.querySelector("[data-t=assisted]").textContent = t("assisted");
    box.querySelector("[data-t=assisted_hint]").textContent = t("assisted_hint");
    return box;
  }

  /* ---------- wiring ---------- */

  document.addEventListener("skm:form", function (event) {
    var payload = event.detail.payload;
    isKiosk = !!event.detail.kiosk;
    readOnArrival = !!(isKiosk && payload.kiosk && payload.kiosk.read_aloud);
    var faces = !!(payload.unit && payload.unit.faces);
    document.querySelectorAll(".step-element").forEach(function (step) {
      var group = step.querySelector(".field");
      var tools = document.createElement("div");
      tools.className = "speak-box";
      var status = document.createElement("p");
      status.className = "speak-status";
      status.setAttribute("role", "status");
      tools.appendChild(speakerButton());
      tools.appendChild(status);
      step.insertBefore(tools, group);
      if (faces) addFaces(group);
    });
    var final = document.querySelector(".step-final");
    if (isKiosk && final) final.insertBefore(assistedSwitch(), final.querySelector(".form-error"));
  });

  document.addEventListener("skm:step", function (event) {
    var api = speechApi();
    if (api) api.cancel();
    var step = event.detail.step;
    if (readOnArrival && step && step.classList.contains("step-element")) speak(step);
  });

  // kiosk.js also blanks the form when the page goes away; a reload is the same citizen, not the next one.
  var leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });

  document.addEventListener("skm:reset", function () {
    // A kiosk's next citizen starts with the ordinary screen.
    if (!isKiosk || leaving) return;
    try { sessionStorage.removeItem(DISPLAY_KEY); } catch (error) { /* private mode */ }
    applyDisplay({});
  });

  document.addEventListener("click", function (event) {
    var speaker = event.target.closest(".speak");
    if (speaker) { speak(speaker.closest(".step")); return; }
    var display = event.target.closest("[data-display]");
    if (display) toggleDisplay(display.getAttribute("data-display"));
  });

  applyDisplay(displayState());
})();
