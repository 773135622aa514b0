"""Every write of the stores app. ``connections``: registering stores, connecting and revoking; ``purchases``:
what stores push into closets; ``notices``: the deletion notices we send stores."""
