import ast


def calc(s, model, cursor):
    value = ast.literal_eval(s)
    model.eval()
    cursor.execute("SELECT 1")
    return value
