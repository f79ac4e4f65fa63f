// Progressive enhancement: facet filter boxes filter the listed values as you type; Enter (or,
// without JavaScript, the Filter button) asks the server, which searches every counted value.
document.documentElement.classList.add("js");
document.querySelectorAll("[data-facet]").forEach(function (facet) {
  var input = facet.querySelector("[data-facet-filter]");
  if (!input) return;
  var items = Array.prototype.slice.call(facet.querySelectorAll(".fv"));
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  input.addEventListener("input", function () {
    var wanted = fold(input.value.trim());
    items.forEach(function (item) {
      var label = item.querySelector(".fv-label");
      item.hidden = wanted !== "" && fold(label ? label.textContent : "").indexOf(wanted) < 0;
    });
  });
});
