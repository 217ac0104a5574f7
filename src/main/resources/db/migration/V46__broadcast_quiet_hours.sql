-- A manager may send a broadcast confirmed during quiet hours at once ("send now anyway"), where the operator allows it
ALTER TABLE drip_broadcast ADD COLUMN send_in_quiet_hours BOOLEAN NOT NULL DEFAULT FALSE;
