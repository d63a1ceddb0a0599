# In a compiler too, what the caller passes in is what is worth checking.


class ReportCompiler:
    def where_clause(self, column, value):
        return f"SELECT * FROM reports WHERE {column} = '{value}'"  # expect: sql-interpolation


class Search:
    def as_sql(self, compiler, connection, search):
        lhs, _params = compiler.compile(self.lhs)
        term = search.strip()
        return f"SELECT * FROM items WHERE {lhs} LIKE '%{term}%'"  # expect: sql-interpolation


def search(request, connection):
    q = request.GET["q"]
    col = connection.ops.quote_name("name")
    return connection.cursor().execute(f"SELECT * FROM users WHERE {col} = '{q}'")  # expect: sql-interpolation
