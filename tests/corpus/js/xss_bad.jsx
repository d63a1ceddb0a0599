export function render(user, el, comment) {
  document.getElementById("bio").innerHTML = user.bio; // expect: xss-unescaped-render
  el.innerHTML = `<p>${user.name}</p>`; // expect: xss-unescaped-render
  document.write("<p>" + location.hash + "</p>"); // expect: xss-unescaped-render
  el.insertAdjacentHTML("beforeend", comment.body); // expect: xss-unescaped-render
}

export function Bio({ html }) {
  return <div dangerouslySetInnerHTML={{ __html: html }} />; // expect: xss-unescaped-render
}
