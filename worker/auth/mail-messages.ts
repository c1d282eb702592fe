/**
 * The mails Parley sends about an account, each as plain text and as simple HTML (inline styles,
 * one button; mail clients ignore stylesheets). Every link points at a page of the app, which
 * asks before it uses the token: opening a link does nothing by itself, since mail scanners
 * open links too.
 */
import type { OutgoingMail } from "./mail";

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

interface Body {
  /** Paragraphs before the button. */
  intro: string[];
  button?: { label: string; url: string };
  /** Paragraphs after it. */
  outro: string[];
}

function compose(to: string, subject: string, body: Body): OutgoingMail {
  const { intro, button, outro } = body;
  const text = [...intro, ...(button ? [`${button.label}: ${button.url}`] : []), ...outro, "— Parley"].join(
    "\n\n",
  );
  const paragraph = (line: string) =>
    `<p style="margin:0 0 16px;font-size:15px;line-height:1.6;color:#27272a">${escapeHtml(line)}</p>`;
  const action = button
    ? `<p style="margin:24px 0"><a href="${escapeHtml(button.url)}" style="display:inline-block;padding:10px 18px;border-radius:10px;background:#4f46e5;color:#ffffff;font-size:15px;font-weight:600;text-decoration:none">${escapeHtml(button.label)}</a></p>` +
      paragraph(`Or paste this address into your browser: ${button.url}`)
    : "";
  const html = `<!doctype html><html><body style="margin:0;padding:24px;background:#fafafa;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"><div style="max-width:520px;margin:0 auto;padding:28px;border:1px solid #e4e4e7;border-radius:16px;background:#ffffff"><p style="margin:0 0 20px;font-size:17px;font-weight:600;color:#18181b">Parley</p>${intro.map(paragraph).join("")}${action}${outro.map(paragraph).join("")}</div></body></html>`;
  return { to, subject, text, html, ...(button ? { link: button.url } : {}) };
}

export function verifyEmailMail(to: string, link: string): OutgoingMail {
  return compose(to, "Confirm your email address for Parley", {
    intro: [
      "Welcome to Parley. Confirm that this is your email address, so you can always get back into your account.",
    ],
    button: { label: "Confirm my email", url: link },
    outro: [
      "The link works for 24 hours, in the browser where you are signed in to Parley.",
      "If you did not create a Parley account, ignore this mail: nothing happens without the link.",
    ],
  });
}

export function accountExistsMail(to: string, links: { signIn: string; reset: string }): OutgoingMail {
  return compose(to, "You already have a Parley account", {
    intro: [
      "Someone — hopefully you — tried to create a Parley account with this email address. You already have one, so nothing was created and nothing changed.",
      `To use it, sign in: ${links.signIn}`,
      "Forgot your password? Choose a new one:",
    ],
    button: { label: "Choose a new password", url: links.reset },
    outro: [
      "That link works once, for 30 minutes. If this was not you, ignore this mail: your account is safe.",
    ],
  });
}

export function resetPasswordMail(to: string, link: string): OutgoingMail {
  return compose(to, "Reset your Parley password", {
    intro: ["Someone asked to reset the password of the Parley account with this email address."],
    button: { label: "Choose a new password", url: link },
    outro: [
      "The link works once, for 30 minutes. Choosing a new password signs you out on every other device.",
      "If you did not ask for this, ignore this mail: your password stays as it is.",
    ],
  });
}

export function changeEmailMail(to: string, link: string, current: string): OutgoingMail {
  return compose(to, "Confirm your new email address for Parley", {
    intro: [`You asked to move your Parley account from ${current} to this address.`],
    button: { label: "Use this address", url: link },
    outro: [
      "The link works once, for an hour, in the browser where you are signed in to Parley. Until then your account keeps its current address.",
      "If you did not ask for this, ignore this mail.",
    ],
  });
}

export function addressTakenMail(to: string): OutgoingMail {
  return compose(to, "Someone tried to use your email address on Parley", {
    intro: [
      "Someone asked to move their Parley account to this email address. It already belongs to your Parley account, so nothing changed.",
    ],
    outro: ["If this was you, sign in to the account that has this address instead."],
  });
}

export function emailChangedMail(to: string, next: string): OutgoingMail {
  return compose(to, "Your Parley email address was changed", {
    intro: [
      `Your Parley account now uses ${next}. Sign-in and account mail go there from now on.`,
      "If you did not make this change, contact the operator of this Parley at once.",
    ],
    outro: [],
  });
}
