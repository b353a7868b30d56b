// Ticket pages (CSP allows no inline handlers): autocomplete boxes and the list's bulk bar.
//
// An autocomplete is a [data-autocomplete] box holding a hidden input (the value sent with the
// form, [data-ac-value]), a text box ([data-ac-input]) and a list ([data-ac-results]). Typing
// asks the server (htmx.ajax) for a fragment of [data-ac-option] buttons, already escaped;
// choosing one sets the hidden value and fires "change" so a live form (the list's filters)
// updates. data-ac-include="param=#element" sends another field's value along.
(() => {
  const DELAY_MS = 250;
  const timers = new WeakMap();

  const parts = (box) => ({
    hidden: box.querySelector("[data-ac-value]"),
    text: box.querySelector("[data-ac-input]"),
    list: box.querySelector("[data-ac-results]"),
  });

  function close(box) {
    const { text, list } = parts(box);
    list.replaceChildren();
    text.setAttribute("aria-expanded", "false");
  }

  function closeAll(except) {
    document.querySelectorAll("[data-autocomplete]").forEach((box) => {
      if (box !== except) close(box);
    });
  }

  // Remember the value each box started with (hidden inputs have no separate default value).
  htmx.onLoad((root) => {
    const boxes = root.matches?.("[data-autocomplete]") ? [root] : [];
    boxes.push(...(root.querySelectorAll?.("[data-autocomplete]") ?? []));
    boxes.forEach((box) => {
      box.dataset.acSent = parts(box).hidden.value;
    });
  });

  // Tell the form when the value differs from the one it last heard about.
  function announce(box) {
    const { hidden } = parts(box);
    if (hidden.value === box.dataset.acSent) return;
    box.dataset.acSent = hidden.value;
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setValue(box, value, label) {
    const { hidden, text } = parts(box);
    clearTimeout(timers.get(text));
    hidden.value = value;
    text.value = label;
    close(box);
    announce(box);
  }

  // An answer to an older question (the text has changed since, or a choice was made) is
  // dropped, so a slow response never reopens the list over a chosen value.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const list = event.detail.target;
    if (!list?.matches?.("[data-ac-results]")) return;
    const { text } = parts(list.closest("[data-autocomplete]"));
    const asked = event.detail.requestConfig?.parameters?.q ?? "";
    if (asked !== text.value || document.activeElement !== text) {
      event.detail.shouldSwap = false;
    }
  });

  function ask(text) {
    const box = text.closest("[data-autocomplete]");
    const { list } = parts(box);
    const values = { q: text.value };
    const include = text.dataset.acInclude;
    if (include) {
      const [name, selector] = include.split("=");
      const other = document.querySelector(selector);
      values[name] = other ? other.value : "";
    }
    htmx
      .ajax("GET", text.dataset.acUrl, { target: list, swap: "innerHTML", values })
      .then(() => text.setAttribute("aria-expanded", list.children.length ? "true" : "false"));
  }

  document.addEventListener("input", (event) => {
    const text = event.target.closest("[data-ac-input]");
    if (!text) return;
    const box = text.closest("[data-autocomplete]");
    if (text.value.trim() === "") {
      setValue(box, "", "");
    } else {
      parts(box).hidden.value = ""; // typed text is not a choice until one is picked
    }
    clearTimeout(timers.get(text));
    timers.set(text, setTimeout(() => ask(text), DELAY_MS));
  });

  document.addEventListener("focusin", (event) => {
    const text = event.target.closest("[data-ac-input]");
    if (!text) return;
    closeAll(text.closest("[data-autocomplete]"));
    if (text.value.trim() === "") ask(text);
  });

  // The text box's own "change" (on leaving it) is not the form's business; but leaving it
  // after typing without choosing has cleared the value, and the form must hear that.
  document.addEventListener(
    "change",
    (event) => {
      const text = event.target.closest("[data-ac-input]");
      if (!text) return;
      event.stopPropagation();
      announce(text.closest("[data-autocomplete]"));
    },
    true,
  );

  // A box that depends on another (a contact on its customer) is cleared when that changes.
  document.addEventListener("change", (event) => {
    const hidden = event.target.closest("[data-ac-value]");
    if (!hidden || !hidden.id) return;
    document.querySelectorAll("[data-ac-include]").forEach((text) => {
      if (text.dataset.acInclude.split("=")[1] === `#${hidden.id}`) {
        setValue(text.closest("[data-autocomplete]"), "", "");
      }
    });
  });

  document.addEventListener("click", (event) => {
    const option = event.target.closest("[data-ac-option]");
    if (option) {
      setValue(option.closest("[data-autocomplete]"), option.dataset.acValue, option.dataset.acLabel);
      return;
    }
    closeAll(event.target.closest("[data-autocomplete]"));
  });

  document.addEventListener("keydown", (event) => {
    const box = event.target.closest("[data-autocomplete]");
    if (box && event.key === "Escape") {
      close(box);
      return;
    }
    if (box && event.key === "ArrowDown") {
      const first = parts(box).list.querySelector("[data-ac-option]");
      if (first) {
        event.preventDefault();
        first.focus();
      }
      return;
    }
    // In the bulk bar, Enter presses the button next to the field, not the first one.
    const bulkField = event.target.closest("#bulk-form input, #bulk-form select");
    if (bulkField && event.key === "Enter" && !event.target.matches("[data-ac-input]")) {
      const button = bulkField.closest(".d-flex")?.querySelector("button[name=action]");
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();
