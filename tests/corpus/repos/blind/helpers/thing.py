class ThingFactory:
    @staticmethod
    def create_thing():
        return None
