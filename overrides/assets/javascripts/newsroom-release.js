/* newsroom: copy buttons on a release page (the citation, the permalink), as progressive enhancement.
 *
 * Without this script the citation is plain selectable text and the share links work as they are;
 * the buttons exist only where it runs. An element with data-nr-copy (the button's label) gets a
 * button copying data-nr-copy-value, or else its own text; data-nr-copied and data-nr-copy-failed
 * are what the button's status line then says (read out by screen readers: role="status").
 * Nothing is loaded from anywhere, and nothing here is inline: the pages' Content-Security-Policy
 * allows no inline script.
 */
(function () {
  "use strict";

  const STATUS_MS = 5000;

  /** Copy text with the Clipboard API, or where it is refused (an http:// mirror), the old way. */
  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // Refused (permissions): try the old way below.
      }
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "nr-visually-hidden";
    document.body.append(area);
    area.select();
    let done;
    try {
      done = document.execCommand("copy");
    } catch {
      done = false;
    }
    area.remove();
    return done;
  }

  function addButton(source) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nr-copy__button";
    button.textContent = source.dataset.nrCopy;
    const status = document.createElement("span");
    status.className = "nr-copy__status";
    status.setAttribute("role", "status");
    let timer = null;
    button.addEventListener("click", async () => {
      const text = source.dataset.nrCopyValue || source.textContent.replace(/\s+/g, " ").trim();
      const copied = await copy(text);
      status.textContent = copied ? source.dataset.nrCopied : source.dataset.nrCopyFailed;
      if (!copied && !source.dataset.nrCopyValue) window.getSelection().selectAllChildren(source);
      clearTimeout(timer);
      timer = setTimeout(() => { status.textContent = ""; }, STATUS_MS);
    });
    // In a list, the button is one more item of it; elsewhere, a line of its own after the text.
    const holder = document.createElement(source.tagName === "UL" ? "li" : "p");
    holder.className = "nr-copy";
    holder.append(button, " ", status);
    if (source.tagName === "UL") source.append(holder);
    else source.after(holder);
  }

  document.querySelectorAll("[data-nr-copy]").forEach(addButton);
})();
