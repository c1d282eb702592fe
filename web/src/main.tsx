import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App.tsx";
import { startSession } from "./session.ts";
import { startTheme } from "./theme.ts";
import { takeAuthError } from "./auth-error.ts";
import { toast } from "./toasts.ts";
import "./styles.css";

startTheme();
startSession();
const authError = takeAuthError();
// After the first render, so the toaster is mounted to show it.
if (authError) setTimeout(() => toast.error(authError), 0);

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
