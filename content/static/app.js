// Enhancements only: every page works without this script.
// The service worker shows an offline page when the connection drops, and lets the browser
// offer to install SecureBase as an app.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}

// Copy buttons (hidden without this script): copy the named field's value.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = 'Copied';
    } catch {
      field.select();
    }
  });
}

// Sliders show their number beside the label (the number is hidden without this script, as
// it could not follow the slider).
for (const output of document.querySelectorAll('output.slider-value[for]')) {
  const input = document.getElementById(output.htmlFor.value);
  if (!input) continue;
  output.hidden = false;
  output.value = input.value;
  input.addEventListener('input', () => { output.value = input.value; });
}
