// The campaign form shows only the fields of the chosen way to pick units and of the chosen target.
// Without this script every field stays visible and the server ignores the ones that do not apply.
(function () {
  "use strict";
  var form = document.querySelector("form[data-campaign-form]");
  if (!form) {
    return;
  }
  var groups = [
    {radio: "selection", shows: {direct: ["units"], sampled: ["sample_agency_kind", "sample_per_group", "seed"]}},
    {radio: "target_kind", shows: {fixed: ["target_fixed"], krejcie_morgan: []}}
  ];

  function wrapper(name) {
    return document.getElementById("div_id_" + name);
  }

  function update(group) {
    var checked = form.querySelector("input[name='" + group.radio + "']:checked");
    Object.keys(group.shows).forEach(function (value) {
      group.shows[value].forEach(function (name) {
        var field = wrapper(name);
        if (field) {
          field.hidden = !checked || checked.value !== value;
        }
      });
    });
  }

  groups.forEach(function (group) {
    form.querySelectorAll("input[name='" + group.radio + "']").forEach(function (input) {
      input.addEventListener("change", function () { update(group); });
    });
    update(group);
  });
}());
