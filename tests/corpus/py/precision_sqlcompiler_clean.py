# An ORM's SQL compiler joins fragments it compiled or quoted a moment before.


class SQLCompiler:
    def group_by_clause(self, select):
        group_by = self._delimited(select.group_by_clauses, ", ")
        if group_by:
            return " GROUP BY " + group_by
        return ""

    def as_sql(self):
        grouping = []
        for expr in self.query.group_by:
            g_sql, _params = self.compile(expr)
            grouping.append(g_sql)
        result = ["SELECT", ", ".join(self.columns()), "FROM", self.table()]
        result.append("GROUP BY %s" % ", ".join(grouping))
        return " ".join(result)


class Coalesce:
    def as_sql(self, compiler, connection):
        parts = [compiler.compile(arg)[0] for arg in self.args]
        return "SELECT COALESCE(%s) FROM dual" % ", ".join(parts)
