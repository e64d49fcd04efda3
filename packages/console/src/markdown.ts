import DOMPurify from "dompurify";
import { marked } from "marked";

/**
 * A plugin's set-up steps (markdown) as HTML. Community plugins write this text, so the HTML is
 * sanitized and links open in a new tab without access to this page.
 */
export function markdownToHtml(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true });
  const clean = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
  const template = document.createElement("template");
  template.innerHTML = clean;
  for (const link of template.content.querySelectorAll("a")) {
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener noreferrer");
  }
  return template.innerHTML;
}
