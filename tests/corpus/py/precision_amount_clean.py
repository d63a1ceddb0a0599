# A colour's amount: how much lighter or darker, with no other such word in the file.


class Color:
    def darken(self, amount: float, alpha: float | None = None) -> "Color":
        return self.lighten(-amount, alpha)

    def lighten(self, amount: float, alpha: float | None = None) -> "Color":
        light = min(1.0, self.l + amount)
        return Color.from_hsl(self.h, self.s, light, alpha)
