from abc import ABC, abstractmethod


class Exporter(ABC):
    @abstractmethod
    def export(self, rows):
        raise NotImplementedError


class BaseStore:
    def save(self, item):
        raise NotImplementedError


def todos():
    todo_list = ["write docs"]
    # Note: the todo list lives in the tracker
    return todo_list, "todo app"


class Migration:
    def backwards(self, schema):
        raise NotImplementedError("You cannot reverse this operation")
