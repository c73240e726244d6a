// While a citizen types a question, show published answers to similar questions (progressive
// enhancement: without this script the form works the same, and shows them after an error).
(function () {
  "use strict";
  var field = document.getElementById("message");
  var box = document.getElementById("similar-questions");
  if (!field || !box || !window.fetch) {
    return;
  }
  var list = box.querySelector("ul");
  var timer = null;
  var asked = "";

  function element(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text; // text, never markup
    if (className) {
      node.className = className;
    }
    return node;
  }

  function show(items) {
    list.replaceChildren();
    items.forEach(function (item) {
      var details = document.createElement("details");
      details.appendChild(element("summary", item.question));
      details.appendChild(element("p", item.answer));
      details.appendChild(element("p", item.service, "hint"));
      var entry = document.createElement("li");
      entry.appendChild(details);
      list.appendChild(entry);
    });
    box.hidden = items.length === 0;
  }

  function look() {
    var text = field.value.trim();
    if (text.length < 25 || text === asked) {
      return;
    }
    asked = text;
    var query = new URLSearchParams({ text: text, lang: document.documentElement.lang });
    fetch(box.dataset.url + "?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : { suggestions: [] }; })
      .then(function (data) { show(data.suggestions || []); })
      .catch(function () { /* suggestions are a help, never an obstacle */ });
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(look, 600);
  });
}());
