import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App.tsx";
import { openRoomEarly } from "./room/hooks.ts";
import { parseRoute } from "./router.ts";
import { startSession } from "./session.ts";
import { startTheme } from "./theme.ts";
import { takeAuthError } from "./auth-error.ts";
import { openAuthDialog, takeAuthRequest } from "./auth-dialog.ts";
import { toast } from "./toasts.ts";
// Self-hosted variable fonts (woff2 per script, fetched only for the characters a page uses), so
// Parley looks the same on every system instead of falling back to DejaVu on Linux.
import "@fontsource-variable/inter/wght.css";
import "@fontsource-variable/inter/wght-italic.css";
import "@fontsource-variable/jetbrains-mono/wght.css";
import "./styles.css";

startTheme();
startSession();
// A chat opened by its address: connect to its room while the app renders for the first time.
const route = parseRoute(location.pathname);
if (route.name === "chat") openRoomEarly(route.id);
const authError = takeAuthError();
// After the first render, so the toaster is mounted to show it.
if (authError) setTimeout(() => toast.error(authError), 0);
// `?auth=signin` from a link in Parley's mail opens the sign-in dialog.
openAuthDialog(takeAuthRequest());

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
