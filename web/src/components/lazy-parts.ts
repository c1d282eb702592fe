/**
 * The parts of the app that load as their own chunks (dialogs and pages), and the hook that
 * fetches the likely ones once the browser is idle.
 */
import { lazy, useEffect } from "react";

const loadOverlays = () => import("./Overlays.tsx");
export const CommandPalette = lazy(() => loadOverlays().then((m) => ({ default: m.CommandPalette })));
export const ShortcutsSheet = lazy(() => loadOverlays().then((m) => ({ default: m.ShortcutsSheet })));
export const ConfirmDelete = lazy(() => loadOverlays().then((m) => ({ default: m.ConfirmDelete })));
export const SettingsPage = lazy(() => import("../pages/SettingsPage.tsx"));
export const AdminPage = lazy(() => import("../pages/AdminPage.tsx"));
export const SharePage = lazy(() => import("../pages/SharePage.tsx"));
export const EmailLinkPage = lazy(() => import("../pages/EmailLinkPage.tsx"));
// Screens for rare states (a ban, an unknown address, a dead link, too many tabs): not first-load code.
export const Suspended = lazy(() => import("./Suspended.tsx").then((m) => ({ default: m.Suspended })));
export const NotFoundPage = lazy(() =>
  import("../pages/NotFoundPage.tsx").then((m) => ({ default: m.NotFoundPage })),
);
export const LinkInactive = lazy(() =>
  import("./LinkInactive.tsx").then((m) => ({ default: m.LinkInactive })),
);
export const TooManyTabs = lazy(() => import("./TooManyTabs.tsx").then((m) => ({ default: m.TooManyTabs })));
// The composer's file chips and drop veil: neither shows before files are picked or dragged in.
const loadChips = () => import("./AttachmentChips.tsx");
export const AttachmentChips = lazy(() => loadChips().then((m) => ({ default: m.AttachmentChips })));
export const DropOverlay = lazy(() => import("./DropOverlay.tsx").then((m) => ({ default: m.DropOverlay })));
// Shown only in some states: an edit under way, an unconfirmed address, a refusal a plan lifts,
// a message with other versions.
const loadEditor = () => import("./MessageEditor.tsx");
export const MessageEditor = lazy(() => loadEditor().then((m) => ({ default: m.MessageEditor })));
export const VerifyEmailBanner = lazy(() =>
  import("./VerifyEmailBanner.tsx").then((m) => ({ default: m.VerifyEmailBanner })),
);
const loadBranchSwitcher = () => import("./BranchSwitcher.tsx");
export const BranchSwitcher = lazy(() => loadBranchSwitcher().then((m) => ({ default: m.BranchSwitcher })));
export const UpgradeLink = lazy(() => import("./UpgradeLink.tsx").then((m) => ({ default: m.UpgradeLink })));
const loadAuthDialog = () => import("./AuthDialog.tsx");
export const AuthDialog = lazy(loadAuthDialog);

/** The dialogs, the settings page and the editor are split off; fetch them once the browser is idle. */
export function usePrefetchParts(): void {
  useEffect(() => {
    const prefetch = () => {
      void loadOverlays();
      void import("../pages/SettingsPage.tsx");
      void loadAuthDialog();
      void loadChips();
      void loadEditor();
      void loadBranchSwitcher();
    };
    if ("requestIdleCallback" in window) {
      const id = requestIdleCallback(prefetch, { timeout: 3_000 });
      return () => cancelIdleCallback(id);
    }
    const timer = setTimeout(prefetch, 1_500);
    return () => clearTimeout(timer);
  }, []);
}
