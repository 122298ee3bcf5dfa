() => {
  // The chat page's behaviour, installed once per page load (qa/ui/assets.py passes it to Gradio,
  // which runs this function; so the file starts with it, comments inside).
  if (window.__qaPageInstalled) return;
  window.__qaPageInstalled = true;

  // Delegated click handler: `#qa-...` links set the hidden picker textbox (with a nonce, so
  // clicking the same link twice still counts) and fire its input event.
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#qa-"]') : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#qa-pick textarea, #qa-pick input');
    if (!box) return;
    box.value = link.getAttribute('href').slice(1) + '|' + Date.now();
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }, true);

  // Scroll `box` so that `target` inside it sits a third of the way down.
  const centre = (box, target) => {
    box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  };

  // Each source card shows a few lines of its passage: scroll each so its highlight is in sight
  // (a passage starts at its top, and the quoted sentence can be far below it).
  const showMarks = () => {
    document.querySelectorAll('#qa-sources .qa-passage').forEach((box) => {
      const mark = box.querySelector('mark');
      if (mark) centre(box, mark);
    });
  };

  // After the sources or the document view change, bring the chosen passage into view: the
  // document box scrolls itself to the passage, then the page scrolls just enough to show the box
  // (or the selected source card).
  const showChosen = () => {
    showMarks();
    const hit = document.querySelector('#qa-docview #qa-hit');
    const box = document.querySelector('#qa-docview .qa-doc-text');
    if (hit && box) {
      centre(box, hit);
      box.scrollIntoView({ block: 'nearest', behavior: 'instant' });
      return;
    }
    const card = document.querySelector('#qa-sources .qa-selected');
    if (card) card.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  };

  // The same for the source of a "who said what" row.
  const showStatement = () => {
    const hit = document.querySelector('#qa-who-source #qa-who-hit');
    const box = document.querySelector('#qa-who-source .qa-doc-text');
    if (hit && box) {
      centre(box, hit);
      box.scrollIntoView({ block: 'nearest', behavior: 'instant' });
    }
  };

  // Called after events (after Gradio has rendered the new HTML).
  const later = (fn) => () => setTimeout(fn, 60);
  window.qaPage = { showMarks: later(showMarks), showChosen: later(showChosen), showStatement: later(showStatement) };
}
