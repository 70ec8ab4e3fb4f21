import type { DocumentKind, SpecStatus } from "@tandem/protocol";

export const kindLabels: Record<DocumentKind, string> = { spec: "Spec", idea: "Idea" };

export const statusLabels: Record<SpecStatus, string> = {
  draft: "Draft",
  "in-review": "In review",
  approved: "Approved",
  shipped: "Shipped",
  archived: "Archived",
};
