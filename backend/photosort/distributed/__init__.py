"""Work spread over more than one process or machine (Ray), feeding the session's own stores."""
