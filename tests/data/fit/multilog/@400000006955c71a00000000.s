@400000006955b90a00000000 status: local 0/10 remote 0/20
@400000006955b90f00000000 new msg 101
@400000006955b90f00000000 info msg 101: bytes 1520 from <alice@example.org> qp 3001 uid 1000
@400000006955b90f00989680 starting delivery 1: msg 101 to remote bob@example.com
@400000006955b90f00989680 status: local 0/10 remote 1/20
@400000006955b90f01312d00 starting delivery 2: msg 101 to remote carol@slow.example.net
@400000006955b90f01312d00 status: local 0/10 remote 2/20
@400000006955b9101e65fb80 delivery 1: success: 192.0.2.10_accepted_message./Remote_host_said:_250_ok/
@400000006955b9101e65fb80 status: local 0/10 remote 1/20
