// app.js - proof that the browser fetched and ran a script from http-demo,
// and the address the browser used, put where the page names the server.
document.getElementById("script-check").textContent =
  "JavaScript ran: this page made " + (performance.getEntriesByType("resource").length + 1) +
  " requests to the server.";

// The address this browser used, where the page names the server: the
// command then works as typed, whatever host and port it was started on.
for (const el of document.querySelectorAll(".host")) el.textContent = location.host;
