// Guided breathing, enhanced. Without script the circle starts and stops through its checkbox
// and runs for the chosen minutes (CSS). With script: a Start button in its place, the words
// in step with the circle ("Breathe in", 3), the time left, an optional soft tone and
// vibration at each change where the browser allows, and a short completion view that leads
// to the practice log. Choices are remembered on this device only.
(function () {
  'use strict';
  var PHASES = {
    '4-6': [['Breathe in', 4, 'in'], ['Breathe out', 6, 'out']],
    '4-4-4-4': [['Breathe in', 4, 'in'], ['Hold', 4, 'hold'], ['Breathe out', 4, 'out'],
                ['Hold', 4, 'hold']]
  };
  var TONES = { in: 392, out: 262 };  // G4 rising in, C4 settling out; no tone for a hold

  var panel = document.querySelector('.breathing[data-pace]');
  if (!panel) return;
  var phases = PHASES[panel.getAttribute('data-pace')];
  var circle = panel.querySelector('.breath');
  if (!phases || !circle) return;
  var cycle = phases.reduce(function (sum, p) { return sum + p[1]; }, 0);

  function remembered(key, fallback) {
    try { var v = window.localStorage.getItem('breathing.' + key); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function remember(key, value) {
    try { window.localStorage.setItem('breathing.' + key, value); } catch (e) { /* private mode */ }
  }
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }
  function option(id, label) {
    var box = element('span', 'choice');
    var input = element('input');
    input.type = 'checkbox';
    input.id = id;
    input.checked = remembered(id, '0') === '1';
    input.addEventListener('change', function () { remember(id, input.checked ? '1' : '0'); });
    var text = element('label', '', label);
    text.htmlFor = id;
    box.appendChild(input);
    box.appendChild(text);
    return { box: box, input: input };
  }

  // The checkbox is for pages without script; the button replaces it.
  var fallback = panel.querySelector('.breathe-run');
  var runBox = panel.querySelector('#breathe-run');
  if (runBox) runBox.checked = false;
  if (fallback) fallback.hidden = true;

  var minutesInputs = panel.querySelectorAll('input[name="minutes"]');
  var savedMinutes = remembered('minutes', '');
  minutesInputs.forEach(function (input) {
    if (input.value === savedMinutes) input.checked = true;
    input.addEventListener('change', function () { remember('minutes', input.value); });
  });

  var controls = element('div', 'breath-controls');
  var button = element('button', 'button', 'Start breathing');
  button.type = 'button';
  var cue = element('p', 'breath-cue');
  cue.setAttribute('aria-live', 'polite');
  var count = element('span', 'breath-count');
  count.setAttribute('aria-hidden', 'true');
  var left = element('p', 'breath-left');
  controls.appendChild(button);
  controls.appendChild(cue);
  controls.appendChild(count);
  controls.appendChild(left);

  var options = element('div', 'breath-options');
  var sound = option('breathe-sound', 'Soft sound');
  options.appendChild(sound.box);
  var vibrate = null;
  if (typeof navigator.vibrate === 'function') {
    vibrate = option('breathe-vibrate', 'Vibrate');
    options.appendChild(vibrate.box);
  }

  var done = element('div', 'breath-done');
  done.hidden = true;
  done.tabIndex = -1;
  var doneText = element('p');
  done.appendChild(doneText);
  var logForm = document.getElementById('log');
  if (logForm) {
    var toLog = element('a', 'button secondary', 'Log how you feel now');
    toLog.href = '#after';
    toLog.addEventListener('click', function () {
      var after = document.getElementById('after');
      if (after) window.setTimeout(function () { after.focus(); }, 0);
    });
    done.appendChild(toLog);
  }

  var timer = panel.querySelector('.breathing-timer');
  timer.parentNode.insertBefore(controls, timer.nextSibling);
  controls.parentNode.insertBefore(options, controls.nextSibling);
  options.parentNode.insertBefore(done, options.nextSibling);

  var audio = null;
  function tone(kind) {
    if (!sound.input.checked || !TONES[kind]) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var t = audio.currentTime, osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = TONES[kind];
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.05, t + 0.4);
      gain.gain.linearRampToValueAtTime(0, t + 1.6);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t);
      osc.stop(t + 1.7);
    } catch (e) { /* no audio here: the words and the circle still guide */ }
  }
  function buzz(kind) {
    if (!vibrate || !vibrate.input.checked || kind === 'hold') return;
    try { navigator.vibrate(kind === 'in' ? 80 : [30, 80, 30]); } catch (e) { /* not allowed */ }
  }

  var tick = null, elapsed = 0, total = 120, lastPhase = -1;
  function chosenMinutes() {
    var m = 2;
    minutesInputs.forEach(function (input) { if (input.checked) m = Number(input.value); });
    return m;
  }
  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }
  function show() {
    var t = elapsed % cycle, i = 0;
    while (t >= phases[i][1]) { t -= phases[i][1]; i++; }
    if (i !== lastPhase) {
      cue.textContent = phases[i][0];
      tone(phases[i][2]);
      buzz(phases[i][2]);
      lastPhase = i;
    }
    count.textContent = String(phases[i][1] - t);
    left.textContent = clock(total - elapsed) + ' left';
  }
  function stop() {
    window.clearInterval(tick);
    tick = null;
    panel.classList.remove('running');
    button.textContent = 'Start breathing';
    count.textContent = '';
    left.textContent = '';
    lastPhase = -1;
  }
  function restartCircle() {
    circle.classList.remove('breath-' + panel.getAttribute('data-pace'));
    void circle.offsetWidth;  // a fresh animation, in step with the words
    circle.classList.add('breath-' + panel.getAttribute('data-pace'));
  }
  button.addEventListener('click', function () {
    if (tick) {
      stop();
      cue.textContent = 'Paused. Start again whenever you like.';
      return;
    }
    if (sound.input.checked && !audio) {
      // Browsers let sound start only from a tap or click: this one.
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    }
    total = chosenMinutes() * 60;
    elapsed = 0;
    done.hidden = true;
    restartCircle();
    panel.classList.add('running');
    button.textContent = 'Stop';
    show();
    tick = window.setInterval(function () {
      elapsed++;
      if (elapsed >= total) {
        var minutes = total / 60;
        stop();
        cue.textContent = '';
        doneText.textContent = 'Done: ' + minutes + (minutes === 1 ? ' minute' : ' minutes') +
          ' of breathing. Notice how your body feels now, without needing it to be any different.';
        done.hidden = false;
        done.focus();
        return;
      }
      show();
    }, 1000);
  });
})();
