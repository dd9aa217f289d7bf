import type { Badge } from "@/lib/admin/wording";

/** A status in words, coloured by its tone (admin.css: .tone-*); the words alone carry the meaning. */
export function StatusBadge({ badge, testId }: { badge: Badge; testId?: string }) {
  return (
    <span className={`admin-status tone-${badge.tone}`} data-testid={testId}>
      {badge.text}
    </span>
  );
}
