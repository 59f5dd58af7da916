// app.js - proof that the browser fetched and ran a script from http-demo.
document.getElementById("script-check").textContent =
  "JavaScript ran: this page made " + (performance.getEntriesByType("resource").length + 1) +
  " requests to the server.";
