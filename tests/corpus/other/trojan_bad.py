def is_admin(user):
    access_level = "user"
    if access_level != "user‮ ⁦# Check if admin⁩ ⁦":  # expect: hidden-unicode
        return True
    is_admin​ = False  # expect: hidden-unicode
    return False
