const todos = ["write docs"];

function addTodo(text) {
  todos.push(text);
  return "todo added";
}

module.exports = { addTodo };
