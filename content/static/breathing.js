// Guided breathing: with script, the paced circle gains a start/stop button and a spoken-word
// cue ("Breathe in · 3"), kept in step with the circle. Without script the circle still moves.
(function () {
  'use strict';
  var PHASES = {
    '4-6': [['Breathe in', 4], ['Breathe out', 6]],
    '4-4-4-4': [['Breathe in', 4], ['Hold', 4], ['Breathe out', 4], ['Hold', 4]]
  };
  var SESSION_SECONDS = 120;

  function setUp(timer) {
    var phases = PHASES[timer.getAttribute('data-pace')];
    var circle = timer.querySelector('.breath');
    if (!phases || !circle) return;
    var controls = document.createElement('div');
    controls.className = 'breath-controls';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button secondary';
    button.textContent = 'Start guided breathing';
    var phase = document.createElement('p');
    phase.className = 'breath-cue';
    phase.setAttribute('aria-live', 'polite');
    var count = document.createElement('span');
    count.className = 'breath-count';
    count.setAttribute('aria-hidden', 'true');
    controls.appendChild(button);
    controls.appendChild(phase);
    controls.appendChild(count);
    timer.parentNode.insertBefore(controls, timer.nextSibling);

    var tick = null, elapsed = 0;
    function show() {
      var cycle = phases.reduce(function (sum, p) { return sum + p[1]; }, 0);
      var t = elapsed % cycle, i = 0;
      while (t >= phases[i][1]) { t -= phases[i][1]; i++; }
      if (phase.textContent !== phases[i][0]) phase.textContent = phases[i][0];
      count.textContent = String(phases[i][1] - t);
    }
    function stop(message) {
      clearInterval(tick);
      tick = null;
      button.textContent = 'Start guided breathing';
      phase.textContent = message || '';
      count.textContent = '';
    }
    button.addEventListener('click', function () {
      if (tick) { stop('Paused. Start again whenever you like.'); return; }
      elapsed = 0;
      // Restart the circle's animation so it moves in step with the words.
      circle.style.animation = 'none';
      void circle.offsetWidth;
      circle.style.animation = '';
      button.textContent = 'Stop';
      show();
      tick = setInterval(function () {
        elapsed++;
        if (elapsed >= SESSION_SECONDS) { stop('Two minutes done. Notice how you feel now.'); return; }
        show();
      }, 1000);
    });
  }

  document.querySelectorAll('.breathing-timer[data-pace]').forEach(setUp);
})();
