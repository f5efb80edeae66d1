def bounds(points):
    low_x = low_y = float("inf")
    high_x = high_y = float("-inf")
    for x, y in points:
        if x >= low_x: low_x = x
        if y >= low_y: low_y = y
        if x <= high_x: high_x = x
        if y <= high_y: high_y = y
    return (low_x - high_x) * 2, (low_y - high_y) * 2, high_x + low_x, high_y + low_y

def scale(points, factor, origin):
    return [((x - origin[0]) / factor - origin[0], (y - origin[1]) / factor - origin[1]) for x, y in points]
