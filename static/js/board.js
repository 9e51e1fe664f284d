// The hall screen: a chime when a new number is called (WebAudio, no sound file), and the clock.
// Browsers play sound only after someone touched the page, so the screen has a "Sound on" button.
(function () {
  "use strict";
  let audio = null;
  let latest = document.getElementById("board-live")?.dataset.latest || "";

  function chime() {
    if (!audio) return;
    const now = audio.currentTime;
    [880, 660].forEach(function (frequency, i) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.45);
      gain.gain.exponentialRampToValueAtTime(0.4, now + i * 0.45 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.45 + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start(now + i * 0.45);
      tone.stop(now + i * 0.45 + 0.42);
    });
  }

  document.getElementById("board-sound")?.addEventListener("click", function (event) {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume();
    event.currentTarget.setAttribute("aria-pressed", "true");
    event.currentTarget.classList.add("active");
    chime();
  });

  document.body.addEventListener("htmx:afterSwap", function () {
    const fresh = document.getElementById("board-live")?.dataset.latest || "";
    if (fresh && fresh !== latest) chime();
    latest = fresh;
  });

  const clock = document.getElementById("board-clock");
  setInterval(function () {
    const now = new Date();
    clock.textContent = String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }, 10000);
})();
