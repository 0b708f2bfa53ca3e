// The region dashboard's second request: its follow-up indicators, respondents per day and profile
// (reports.views.region_details) replace the link that stands in for them. Without script the link stays.
document.querySelectorAll("[data-region-details]").forEach(async (slot) => {
  try {
    const response = await fetch(slot.dataset.regionDetails, {credentials: "same-origin"});
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const content = page.querySelector("[data-region-details-content]");
    if (content) slot.replaceWith(...content.children);
  } catch (error) {
    // Offline or interrupted: the link still leads to the same sections.
  }
});
