/**
 * `/api/v1/admin/*`: models, limits, people, usage and the logs an operator needs, for admins and
 * the ADMIN_TOKEN bearer (worker/admin/access.ts). Every change is written to `audit_log` in the
 * same D1 batch as the change. See docs/admin.md.
 */
import { adminAccess } from "../../../admin/access";
import { AppError } from "../../../errors";
import { createRouter } from "../../router";
import { billingAdmin } from "./billing";
import { moderationAdmin } from "./moderation";
import { modelAdmin } from "./models";
import { peopleAdmin } from "./people";
import { reportAdmin } from "./reports";
import { tokenAdmin } from "./tokens";

export const adminRoutes = createRouter();
adminRoutes.use("*", adminAccess);
adminRoutes.route("/", modelAdmin);
adminRoutes.route("/", peopleAdmin);
adminRoutes.route("/", reportAdmin);
adminRoutes.route("/", moderationAdmin);
adminRoutes.route("/", tokenAdmin);
adminRoutes.route("/", billingAdmin);
// Mounted ahead of the API's own session middleware (see app.ts): an unknown admin path must end
// here, or the request would run through that middleware a second time on its way to a 404.
adminRoutes.all("*", () => {
  throw new AppError(404, "not_found", "No such endpoint.");
});
