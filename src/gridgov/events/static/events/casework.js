// The event page's case-work helpers: a reply template fills the note it sits under, and a
// department's button adds its @mention to the comment. Text only, never HTML.
"use strict";

document.addEventListener("change", (e) => {
  const select = e.target.closest("select.reply-template");
  if (!select || !select.value) return;
  const box = document.getElementById(select.dataset.target);
  if (box) {
    box.value = box.value.trim() ? `${box.value.trim()}\n${select.value}` : select.value;
    box.focus();
  }
  select.value = "";
});

document.addEventListener("click", (e) => {
  const button = e.target.closest("button.mention");
  if (!button) return;
  const box = document.getElementById("comment-body");
  if (!box) return;
  const mention = `@${button.dataset.name} `;
  box.value = box.value && !box.value.endsWith(" ") ? `${box.value} ${mention}` : box.value + mention;
  box.focus();
});
