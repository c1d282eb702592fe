// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useRateLimit } from "../rate-limit.ts";
import AuthDialog from "./AuthDialog.tsx";

interface Call {
  url: string;
  method: string;
  body: unknown;
}

let calls: Call[] = [];
/** What `GET /api/v1/auth/oauth` lists (answered at once, and not recorded in `calls`). */
let oauthProviders: string[] = [];

/** Answers every request with `status` and `body` (JSON), remembering what was asked. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url === "/api/v1/auth/oauth") {
        return new Response(JSON.stringify({ providers: oauthProviders }), {
          headers: { "content-type": "application/json" },
        });
      }
      calls.push({
        url,
        method: init?.method ?? "GET",
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      await gate;
      return new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      });
    }),
  );
  return release;
}

const user = {
  id: "u1",
  kind: "user",
  email: "ada@example.com",
  displayName: "Ada",
  role: "member",
  emailVerified: false,
};

/** Answers each path with its own body (200), remembering what was asked. */
function routes(bodies: Record<string, unknown>) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url === "/api/v1/auth/oauth") return Response.json({ providers: oauthProviders });
      if (url !== "/api/v1/session") {
        calls.push({
          url,
          method: init?.method ?? "GET",
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
        });
      }
      return Response.json(bodies[url] ?? { error: { code: "not_found", message: "No such endpoint." } }, {
        status: url in bodies ? 200 : 404,
      });
    }),
  );
}

const field = (name: string) => screen.getByLabelText<HTMLInputElement>(name);

beforeEach(() => {
  calls = [];
  oauthProviders = [];
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("AuthDialog", () => {
  it("focuses the email field, names its fields for password managers, and signs in on Enter", async () => {
    const release = answer(200, { user });
    const onSignedIn = vi.fn();
    const onOpenChange = vi.fn();
    render(<AuthDialog open onOpenChange={onOpenChange} onSignedIn={onSignedIn} />);

    expect(screen.queryByRole("dialog", { name: "Sign in to Parley" })).not.toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(field("Email")));
    expect(field("Email").getAttribute("autocomplete")).toBe("email");
    expect(field("Password").getAttribute("autocomplete")).toBe("current-password");
    expect(field("Password").type).toBe("password");
    // A guest is told the chats are kept.
    expect(screen.queryByText(/move to your account/)).not.toBeNull();

    fireEvent.change(field("Email"), { target: { value: " ada@example.com " } });
    fireEvent.change(field("Password"), { target: { value: "correct horse" } });
    await act(async () => {
      fireEvent.submit(field("Password").form!);
    });
    // Busy while the server thinks.
    expect(screen.getByRole("button", { name: "Signing in…" }).hasAttribute("disabled")).toBe(true);
    expect(calls).toEqual([
      {
        url: "/api/v1/auth/signin",
        method: "POST",
        body: { email: "ada@example.com", password: "correct horse" },
      },
    ]);
    await act(async () => release());
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(user));
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("creates an account with a new password and signs in when the address was new", async () => {
    const sent = { email: "ada@example.com", message: "We sent an email to ada@example.com." };
    routes({ "/api/v1/auth/signup": sent, "/api/v1/session": { user } });
    const onSignedIn = vi.fn();
    render(<AuthDialog open onOpenChange={() => {}} initialMode="signup" onSignedIn={onSignedIn} />);
    expect(screen.getByRole("tab", { name: "Create account" }).getAttribute("aria-selected")).toBe("true");
    expect(field("Password").getAttribute("autocomplete")).toBe("new-password");
    expect(screen.queryByText(/chats you started here are kept/)).not.toBeNull();

    // Too short is caught before any request.
    fireEvent.change(field("Email"), { target: { value: "ada@example.com" } });
    fireEvent.change(field("Password"), { target: { value: "short" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    });
    expect(calls).toHaveLength(0);
    expect(field("Password").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByText("Use at least 8 characters.")).not.toBeNull();

    fireEvent.change(field("Password"), { target: { value: "long enough" } });
    fireEvent.change(screen.getByLabelText(/Name/), { target: { value: "Ada" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    });
    expect(calls[0]?.body).toEqual({ email: "ada@example.com", password: "long enough", displayName: "Ada" });
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(user));
  });

  it("says to check the mail when the sign-up left this browser a guest (the address had an account)", async () => {
    const sent = { email: "ada@example.com", message: "We sent an email to ada@example.com." };
    const guest = { ...user, kind: "guest", email: null, displayName: null };
    routes({ "/api/v1/auth/signup": sent, "/api/v1/session": { user: guest } });
    const onSignedIn = vi.fn();
    render(<AuthDialog open onOpenChange={() => {}} initialMode="signup" onSignedIn={onSignedIn} />);
    fireEvent.change(field("Email"), { target: { value: "ada@example.com" } });
    fireEvent.change(field("Password"), { target: { value: "long enough" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    });
    await screen.findByRole("heading", { name: "Check your email" });
    expect(screen.queryByText(sent.message)).not.toBeNull();
    expect(onSignedIn).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
    expect(screen.getByRole("tab", { name: "Sign in" }).getAttribute("aria-selected")).toBe("true");
  });

  it("mails a reset link from 'Forgot password?', keeping the typed email", async () => {
    const sent = {
      email: "ada@example.com",
      message: "If ada@example.com has a Parley account, we sent it a link.",
    };
    routes({ "/api/v1/auth/password/forgot": sent });
    render(<AuthDialog open onOpenChange={() => {}} />);
    fireEvent.change(field("Email"), { target: { value: "ada@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Forgot password?" }));
    expect(screen.getByRole("heading", { name: "Reset your password" })).not.toBeNull();
    expect(field("Email").value).toBe("ada@example.com");
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
    });
    await screen.findByRole("heading", { name: "Check your email" });
    expect(calls).toEqual([
      { url: "/api/v1/auth/password/forgot", method: "POST", body: { email: "ada@example.com" } },
    ]);
  });

  it("maps a validation message to its field and shows wrong credentials as an alert", async () => {
    answer(400, { error: { code: "invalid_request", message: "email: Invalid email address" } })();
    render(<AuthDialog open onOpenChange={() => {}} />);
    fireEvent.change(field("Email"), { target: { value: "ada@" } });
    fireEvent.change(field("Password"), { target: { value: "whatever1" } });
    await act(async () => {
      fireEvent.submit(field("Email").form!);
    });
    await screen.findByText("Enter a valid email address.");

    answer(401, {
      error: { code: "invalid_credentials", message: "That email and password do not match." },
    })();
    fireEvent.change(field("Email"), { target: { value: "ada@example.com" } });
    await act(async () => {
      fireEvent.submit(field("Email").form!);
    });
    expect((await screen.findByRole("alert")).textContent).toBe("That email and password do not match.");
  });

  it("says how long to wait after too many attempts, without locking the chat composer", async () => {
    const retry = {
      error: { code: "too_many_attempts", message: "Too many attempts. Try again in 8 seconds." },
    };
    answer(429, retry, { "Retry-After": "8" })();
    render(<AuthDialog open onOpenChange={() => {}} />);
    fireEvent.change(field("Email"), { target: { value: "ada@example.com" } });
    fireEvent.change(field("Password"), { target: { value: "whatever1" } });
    await act(async () => {
      fireEvent.submit(field("Email").form!);
    });
    expect((await screen.findByRole("alert")).textContent).toBe("Too many attempts. Try again in 8 seconds.");
    // The wait is the sign-in form's business: sending messages is not limited by it.
    expect(renderHook(() => useRateLimit()).result.current.limited).toBe(false);

    answer(429, retry, { "Retry-After": "120" })();
    await act(async () => {
      fireEvent.submit(field("Email").form!);
    });
    await waitFor(() =>
      expect(screen.getByRole("alert").textContent).toBe("Too many attempts. Try again in 2 minutes."),
    );
  });

  it("switches between the two forms with the arrow keys", () => {
    render(<AuthDialog open onOpenChange={() => {}} />);
    const signIn = screen.getByRole("tab", { name: "Sign in" });
    fireEvent.keyDown(signIn, { key: "ArrowRight" });
    const create = screen.getByRole("tab", { name: "Create account" });
    expect(create.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(create);
    expect(field("Password").getAttribute("autocomplete")).toBe("new-password");
  });

  it("offers GitHub and Google sign-in only when the server lists them", async () => {
    answer(200, { user });
    oauthProviders = ["github"];
    render(<AuthDialog open onOpenChange={() => {}} />);
    const link = await screen.findByRole("link", { name: "Continue with GitHub" });
    expect(link.getAttribute("href")).toBe("/api/v1/auth/oauth/github");
    expect(screen.queryByRole("link", { name: "Continue with Google" })).toBeNull();
  });
});
