import DOMPurify from "dompurify";

export function render(user, el) {
  el.textContent = user.bio;
  el.innerHTML = "";
  el.innerHTML = DOMPurify.sanitize(user.bio);
  el.innerHTML = `<p>${escapeHtml(user.name)}</p>`;
}

export function Bio({ html }) {
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />;
}
