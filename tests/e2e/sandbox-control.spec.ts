import { expect, test } from "@playwright/test";

// The control page's fault toggles work from the browser. The control page is a desktop tool, and faults are
// global to the sandbox ("Disarm all faults" disarms everyone's), so the "faults" project runs this file, alone,
// after the journeys (playwright.config.ts). Only a fault on executeReport is armed, which no journey calls.

test("arms a SOAP fault from the control page, lists it, then disarms it", async ({ page, request }) => {
  await page.goto("/sandbox");
  const form = page.getByRole("form", { name: "SOAP faults" });
  await form.getByLabel("SOAP calls", { exact: true }).selectOption("soap-result");
  await form.getByLabel("Operation", { exact: true }).selectOption("executeReport");
  await form.getByLabel("Result code", { exact: true }).fill("94");
  await form.getByLabel("Next N calls", { exact: true }).fill("2");
  await form.getByRole("button", { name: "Arm" }).click();
  await expect(form.getByRole("status")).toHaveText("Armed.");

  const armed = page.getByRole("table", { name: "Armed faults" });
  await expect(armed).toContainText("soap-result");
  await expect(armed).toContainText("executeReport");
  await expect(armed).toContainText("code 94");
  const faults = await (await request.get("/sandbox/api/faults")).json();
  expect(faults.faults).toContainEqual(expect.objectContaining({ operation: "executeReport", resultCode: 94, remaining: 2 }));

  await page.getByRole("button", { name: "Disarm all faults" }).click();
  await expect(page.getByText("No faults armed.")).toBeVisible();
});

test("a fault the API would refuse is refused on the page too, with the reason", async ({ page }) => {
  await page.goto("/sandbox");
  const form = page.getByRole("form", { name: "SOAP faults" });
  await form.getByLabel("SOAP calls", { exact: true }).selectOption("soap-http-status");
  await form.getByLabel("HTTP status", { exact: true }).fill("200");
  await form.getByRole("button", { name: "Arm" }).click();
  await expect(form.getByRole("status")).toContainText("httpStatus");
});
